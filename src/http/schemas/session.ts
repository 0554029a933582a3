import { Type } from 'typebox';

/** The answer to a session revocation, by an admin or by the marketplace. */
export const RevokeResponse = Type.Object({ session_id: Type.String(), status: Type.Literal('revoked') });
