import { Type } from '@sinclair/typebox';
import { requirePermission } from '../auth/principal.js';
import { ERRORS, IdParams, Ok } from '../schemas/common.js';
import { CreateTokenBody, CreatedToken, CreateUserBody, LoginBody, LoginReply, Me, TokenView, UpdateUserBody, UsernameParams, UserView } from '../schemas/auth.js';
import type { RouteModule } from './types.js';

export const authRoutes: RouteModule = (app, s) => {
  app.post('/api/v1/auth/login', {
    config: { public: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: { tags: ['auth'], summary: 'exchange user name and password for a session token', body: LoginBody, response: { 200: LoginReply, ...ERRORS } },
  }, async (req) => s.auth.login(req.body.username, req.body.password));

  app.post('/api/v1/auth/logout', { schema: { tags: ['auth'], summary: 'end this session', response: { 200: Ok, ...ERRORS } } }, async (req) => {
    const p = requirePermission(req.principal, 'read');
    if (p.auth === 'session') await s.auth.logout(p);
    return { ok: true };
  });

  app.get('/api/v1/auth/me', { schema: { tags: ['auth'], summary: 'who am I', response: { 200: Me, ...ERRORS } } }, async (req) => {
    const p = requirePermission(req.principal, 'read');
    return { username: p.username, role: p.role, namespaces: p.allNamespaces ? '*' as const : p.namespaces, auth: p.auth };
  });

  app.get('/api/v1/tokens', { schema: { tags: ['auth'], summary: 'API tokens (own; all for an admin)', response: { 200: Type.Object({ items: Type.Array(Type.Ref(TokenView)) }), ...ERRORS } } }, async (req) => {
    return { items: await s.auth.listApiTokens(requirePermission(req.principal, 'read')) };
  });

  app.post('/api/v1/tokens', { schema: { tags: ['auth'], summary: 'create an API token for a machine; the token is shown once', body: CreateTokenBody, response: { 201: CreatedToken, ...ERRORS } } }, async (req, reply) => {
    const p = requirePermission(req.principal, 'read');
    const { token, view } = await s.auth.createApiToken(p, req.body.name, req.body.username, req.body.ttlDays);
    return reply.code(201).send({ token, info: view });
  });

  app.delete('/api/v1/tokens/:id', { schema: { tags: ['auth'], summary: 'revoke an API token', params: IdParams, response: { 200: Ok, ...ERRORS } } }, async (req) => {
    await s.auth.revoke(requirePermission(req.principal, 'read'), req.params.id);
    return { ok: true };
  });

  app.get('/api/v1/users', { schema: { tags: ['users'], summary: 'users (admin)', response: { 200: Type.Object({ items: Type.Array(Type.Ref(UserView)) }), ...ERRORS } } }, async (req) => {
    requirePermission(req.principal, 'users:admin');
    return { items: await s.auth.listUsers() };
  });

  app.post('/api/v1/users', { schema: { tags: ['users'], summary: 'create a user (admin)', body: CreateUserBody, response: { 201: Type.Ref(UserView), 409: ERRORS[400], ...ERRORS } } }, async (req, reply) => {
    requirePermission(req.principal, 'users:admin');
    return reply.code(201).send(await s.auth.createUser(req.body));
  });

  app.patch('/api/v1/users/:username', { schema: { tags: ['users'], summary: 'change a user (admin)', params: UsernameParams, body: UpdateUserBody, response: { 200: Type.Ref(UserView), ...ERRORS } } }, async (req) => {
    requirePermission(req.principal, 'users:admin');
    return s.auth.updateUser({ username: req.params.username, ...req.body });
  });
};
