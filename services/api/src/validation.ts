import { Ajv, type AnySchema } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Two validators: query strings and path parameters are text, so they are coerced ("10" → 10,
 * one value → an array of one); bodies are JSON, so a wrong type is an error, not a guess.
 * Neither drops unknown fields: they are refused, naming the field.
 */
export function validatorCompiler(shared: AnySchema[]): FastifySchemaCompiler<AnySchema> {
  const make = (coerceTypes: false | 'array') => {
    const ajv = new Ajv({ removeAdditional: false, coerceTypes, useDefaults: true, allErrors: false, strict: false });
    for (const s of shared) ajv.addSchema(s);
    return ajv;
  };
  const text = make('array');
  const json = make(false);
  return ({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema) as ReturnType<FastifySchemaCompiler<AnySchema>>;
}
