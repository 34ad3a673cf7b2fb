import Router, { type RouterMiddleware } from '@koa/router';
import type { Action } from '../domain/policy';
import { authorize } from './authorize';
import type { AppState } from './context';

type H = RouterMiddleware<AppState>;
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** One API operation: where it is and the policy action it needs (SPEC §6; issue 9). */
export interface RouteSpec {
  method: Method;
  path: string;
  action: Action;
}
/** The full path of a spec, in OpenAPI's spelling (`/api/v1/houses/{id}`). */
export const openApiPath = (prefix: string, path: string): string => `${prefix}${path}`.replace(/:(\w+)/g, '{$1}');

/**
 * The API's routes as data. Route modules register through this, never on a bare router, so
 * every operation names its action: the router runs `authorize(action)` first in its chain,
 * `openapi.json` prints the roles each action allows, and the permission matrix test walks
 * the same list. A route without an action does not compile.
 */
export class RouteTable {
  readonly specs: RouteSpec[] = [];
  readonly router: Router<AppState>;
  /** `prefix`: where this table's paths are mounted (`/api/v1`, or `/api/v1/sim` for the demo's simulator) */
  constructor(readonly prefix = '/api/v1') {
    this.router = new Router<AppState>({ prefix });
  }

  add(method: Method, path: string, action: Action, ...handlers: H[]): this {
    if (this.specs.some((s) => s.method === method && s.path === `${this.prefix}${path}`))
      throw new Error(`route ${method.toUpperCase()} ${path} registered twice`);
    this.specs.push({ method, path: `${this.prefix}${path}`, action });
    (this.router[method] as (p: string, ...m: H[]) => unknown).call(this.router, path, authorize(action) as H, ...handlers);
    return this;
  }
  get(path: string, action: Action, ...h: H[]) {
    return this.add('get', path, action, ...h);
  }
  post(path: string, action: Action, ...h: H[]) {
    return this.add('post', path, action, ...h);
  }
  put(path: string, action: Action, ...h: H[]) {
    return this.add('put', path, action, ...h);
  }
  patch(path: string, action: Action, ...h: H[]) {
    return this.add('patch', path, action, ...h);
  }
  delete(path: string, action: Action, ...h: H[]) {
    return this.add('delete', path, action, ...h);
  }
}
