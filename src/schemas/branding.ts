/** `GET /branding`: the look the web app applies (white label is enterprise; otherwise all null). */
import { Type, type Static } from 'typebox';

export const BrandingResponse = Type.Object(
  {
    white_label: Type.Boolean({ description: 'Whether the web app applies this branding (enterprise); false: the product’s own look.' }),
    name: Type.Union([Type.String(), Type.Null()]),
    logo_url: Type.Union([Type.String(), Type.Null()]),
    primary_color: Type.Union([Type.String(), Type.Null()]),
    accent_color: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

export type Branding = Static<typeof BrandingResponse>;
