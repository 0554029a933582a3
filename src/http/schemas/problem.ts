import { Type } from 'typebox';

/** RFC 9457 problem details, as every error response is shaped (see plugins/errors.ts). */
export const Problem = Type.Object(
  {
    type: Type.String({ description: 'A relative URI naming the kind of problem, e.g. /problems/validation' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          pointer: Type.String({ description: 'JSON pointer (RFC 6901) to the invalid value, e.g. /agents/3/gp' }),
          message: Type.String(),
        }),
      ),
    ),
  },
  { additionalProperties: true, description: 'application/problem+json' },
);
