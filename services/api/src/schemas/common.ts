import { Type, type TSchema } from '@sinclair/typebox';

export const ErrorBody = Type.Object({
  error: Type.String({ description: 'a stable code, e.g. TH_ERR_INVALID_INPUT' }),
  message: Type.String(),
  field: Type.Optional(Type.String({ description: 'the request field at fault, when there is one' })),
  requestId: Type.Optional(Type.String()),
}, { $id: 'Error' });

/** Error responses every authenticated route can give. */
export const ERRORS = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody, 500: ErrorBody } as const;

export const Time = (description: string) => Type.String({ maxLength: 40, description: `${description}: ISO 8601 with up to 9 fraction digits, or ns since the epoch (decimal)` });
export const Name = (description: string) => Type.String({ minLength: 1, maxLength: 253, description });
/** A filter that may be given several times (`?kind=a&kind=b`): any of the values matches. */
export const Many = (item: TSchema, description: string) => Type.Array(item, { maxItems: 100, description });
export const Limit = (def: number, max: number) => Type.Integer({ minimum: 1, maximum: max, default: def, description: `page size (1-${max})` });
export const Cursor = Type.String({ maxLength: 700, description: 'nextCursor of the previous page' });

export const Page = <T extends TSchema>(item: T) => Type.Object({
  items: Type.Array(item),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as cursor for the next page; null on the last page' }),
});

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });
export const Ok = Type.Object({ ok: Type.Boolean() });
