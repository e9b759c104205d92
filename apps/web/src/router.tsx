import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from '@tanstack/react-router';
import { AppShell } from './components/app-shell';
import { NotFound } from './components/not-found';
import { RouteError } from './components/route-error';

const rootRoute = createRootRoute({
  component: () => <Outlet />,
  notFoundComponent: NotFound,
  errorComponent: RouteError,
});

// Public pages.
const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (s: Record<string, unknown>) => ({
    redirect: typeof s.redirect === 'string' ? s.redirect : undefined,
  }),
  component: lazyRouteComponent(() => import('./routes/login'), 'LoginPage'),
});
const registerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/register',
  component: lazyRouteComponent(() => import('./routes/register'), 'RegisterPage'),
});
const forgotPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/forgot-password',
  component: lazyRouteComponent(() => import('./routes/forgot-password'), 'ForgotPasswordPage'),
});
const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/reset-password',
  component: lazyRouteComponent(() => import('./routes/reset-password'), 'ResetPasswordPage'),
});

// Signed-in pages share the app shell (header, navigation, auth guard).
const appRoute = createRoute({ getParentRoute: () => rootRoute, id: 'app', component: AppShell });
const dashboardRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  component: lazyRouteComponent(() => import('./routes/dashboard'), 'DashboardPage'),
});
const jobsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/jobs',
  component: lazyRouteComponent(() => import('./routes/jobs'), 'JobsPage'),
});
const accountRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/account',
  component: lazyRouteComponent(() => import('./routes/account'), 'AccountPage'),
});

export const WORKSPACE_TABS = [
  'brief',
  'script',
  'storyboard',
  'review',
  'renders',
  'variants',
  'deliverables',
  'lessons',
  'lectures',
  'assets',
  'settings',
] as const;
export type WorkspaceTab = (typeof WORKSPACE_TABS)[number];

const projectRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/projects/$projectId',
  component: lazyRouteComponent(() => import('./routes/workspace'), 'WorkspaceLayout'),
});
const projectIndexRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '/',
  beforeLoad: ({ params }) => {
    throw redirect({
      to: '/projects/$projectId/$tab',
      params: { projectId: params.projectId, tab: 'script' },
    });
  },
});
const projectTabRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '$tab',
  component: lazyRouteComponent(() => import('./routes/workspace-tab'), 'WorkspaceTab'),
});

// Clients → campaigns → projects (agency work): lists and pages outside any one project.
export const CLIENT_SECTIONS = ['campaigns', 'brand-kits', 'members', 'gallery', 'spend'] as const;
export type ClientSection = (typeof CLIENT_SECTIONS)[number];
export const CAMPAIGN_SECTIONS = ['projects', 'briefs', 'budget', 'members', 'gallery'] as const;
export type CampaignSection = (typeof CAMPAIGN_SECTIONS)[number];

const clientsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/clients',
  component: lazyRouteComponent(() => import('./routes/clients'), 'ClientsPage'),
});
const clientRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/clients/$clientId',
  component: lazyRouteComponent(() => import('./routes/client'), 'ClientLayout'),
});
const clientIndexRoute = createRoute({
  getParentRoute: () => clientRoute,
  path: '/',
  beforeLoad: ({ params }) => {
    throw redirect({
      to: '/clients/$clientId/$section',
      params: { clientId: params.clientId, section: 'campaigns' },
    });
  },
});
const clientSectionRoute = createRoute({
  getParentRoute: () => clientRoute,
  path: '$section',
  component: lazyRouteComponent(() => import('./routes/client-section'), 'ClientSection'),
});
const campaignRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/campaigns/$campaignId',
  component: lazyRouteComponent(() => import('./routes/campaign'), 'CampaignLayout'),
});
const campaignIndexRoute = createRoute({
  getParentRoute: () => campaignRoute,
  path: '/',
  beforeLoad: ({ params }) => {
    throw redirect({
      to: '/campaigns/$campaignId/$section',
      params: { campaignId: params.campaignId, section: 'projects' },
    });
  },
});
const campaignSectionRoute = createRoute({
  getParentRoute: () => campaignRoute,
  path: '$section',
  component: lazyRouteComponent(() => import('./routes/campaign-section'), 'CampaignSection'),
});
const brandKitRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/brand-kits/$kitId',
  component: lazyRouteComponent(() => import('./routes/brand-kit'), 'BrandKitPage'),
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  registerRoute,
  forgotPasswordRoute,
  resetPasswordRoute,
  appRoute.addChildren([
    dashboardRoute,
    jobsRoute,
    accountRoute,
    clientsRoute,
    clientRoute.addChildren([clientIndexRoute, clientSectionRoute]),
    campaignRoute.addChildren([campaignIndexRoute, campaignSectionRoute]),
    brandKitRoute,
    projectRoute.addChildren([projectIndexRoute, projectTabRoute]),
  ]),
]);

export const router = createRouter({ routeTree, defaultPreload: 'intent' });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
