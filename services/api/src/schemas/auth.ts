import { Type } from '@sinclair/typebox';

export const Username = Type.String({ pattern: '^[A-Za-z0-9._@-]{1,64}$', description: 'letters, digits, . _ @ - (1-64)' });
export const Password = Type.String({ minLength: 12, maxLength: 1024, description: 'at least 12 characters' });
export const RoleName = Type.Union([Type.Literal('viewer'), Type.Literal('analyst'), Type.Literal('admin')]);
export const NamespaceScope = Type.Union([Type.Literal('*'), Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 1000 })], {
  description: '"*" for all namespaces, or a list',
});

export const LoginBody = Type.Object({ username: Username, password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
export const UserView = Type.Object({ username: Type.String(), role: RoleName, namespaces: NamespaceScope, disabled: Type.Boolean(), createdAt: Type.String() }, { $id: 'User' });
export const LoginReply = Type.Object({ token: Type.String({ description: 'send as Authorization: Bearer <token>' }), expiresAt: Type.String(), user: Type.Ref(UserView) });
export const Me = Type.Object({ username: Type.String(), role: RoleName, namespaces: NamespaceScope, auth: Type.String() });

export const CreateUserBody = Type.Object({ username: Username, password: Password, role: RoleName, namespaces: NamespaceScope }, { additionalProperties: false });
export const UpdateUserBody = Type.Object({
  password: Type.Optional(Password), role: Type.Optional(RoleName), namespaces: Type.Optional(NamespaceScope), disabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 });
export const UsernameParams = Type.Object({ username: Username }, { additionalProperties: false });

export const TokenView = Type.Object({
  id: Type.String(), name: Type.String(), username: Type.String(), createdAt: Type.String(), expiresAt: Type.Union([Type.String(), Type.Null()]), revoked: Type.Boolean(),
}, { $id: 'Token' });
export const CreateTokenBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 128 }),
  username: Type.Optional(Username),
  ttlDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
}, { additionalProperties: false });
export const CreatedToken = Type.Object({ token: Type.String({ description: 'shown once; only its hash is stored' }), info: Type.Ref(TokenView) });
