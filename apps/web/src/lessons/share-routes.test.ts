import { describe, expect, it } from 'vitest';
import { fillPath, findShareRoutes } from './share-routes';

describe('share routes from the OpenAPI document', () => {
  it('finds the collection and a revoke route, whatever their parameters are called', () => {
    expect(
      findShareRoutes({
        '/api/v1/lessons/{lessonId}/shares': { post: {}, get: {} },
        '/api/v1/lessons/{lessonId}/shares/{shareId}': { delete: {} },
      }),
    ).toEqual({
      collection: '/api/v1/lessons/{lessonId}/shares',
      revoke: '/api/v1/lessons/{lessonId}/shares/{shareId}',
    });
    expect(
      findShareRoutes({ '/api/v1/lessons/{id}/shares': { post: {} }, '/api/v1/shares/{id}': { delete: {} } }),
    ).toEqual({ collection: '/api/v1/lessons/{id}/shares', revoke: '/api/v1/shares/{id}' });
  });

  it('is null on a server without them, and fills paths for api()', () => {
    expect(findShareRoutes({ '/api/v1/lessons/{lessonId}': { get: {} } })).toBeNull();
    expect(findShareRoutes({ '/api/v1/lessons/{id}/shares': { get: {} } })).toBeNull();
    expect(fillPath('/api/v1/lessons/{lessonId}/shares/{shareId}', 'a b', 'c')).toBe(
      '/lessons/a%20b/shares/c',
    );
  });
});
