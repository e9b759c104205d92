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
  'script',
  'storyboard',
  'review',
  'renders',
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

const routeTree = rootRoute.addChildren([
  loginRoute,
  registerRoute,
  forgotPasswordRoute,
  resetPasswordRoute,
  appRoute.addChildren([
    dashboardRoute,
    jobsRoute,
    accountRoute,
    projectRoute.addChildren([projectIndexRoute, projectTabRoute]),
  ]),
]);

export const router = createRouter({ routeTree, defaultPreload: 'intent' });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
