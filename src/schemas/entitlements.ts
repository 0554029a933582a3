/** `GET /entitlements`: what the tenant may use today; the web app decides dashboard or paywall by it. */
import { Type, type Static } from 'typebox';
import { FEATURES, SOURCES } from '../domain/entitlements.js';

export const EntitlementsResponse = Type.Object(
  {
    commission_intelligence: Type.Boolean({ description: 'Whether the tenant may use the product today.' }),
    subscription_tier: Type.Union([Type.Literal('none'), Type.Literal('promo'), Type.Literal('premium'), Type.Literal('enterprise')]),
    promo_until: Type.Union([Type.String({ format: 'date' }), Type.Null()], {
      description: 'Last day of the promotion (inclusive), or null.',
    }),
    promo_days_left: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description: 'Days of promotion left counting today; null when not on a promotion.',
    }),
    features: Type.Array(Type.Enum(FEATURES), {
      description: 'What the tenant may use today (see the feature matrix in the README).',
    }),
    source: Type.Enum(SOURCES, {
      description: 'Where the entitlements came from: push > claims > pull > provisioning.',
    }),
    upgrade_url: Type.String({ description: 'Where the paywall sends people (UPGRADE_URL).' }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        commission_intelligence: true,
        subscription_tier: 'promo',
        promo_until: '2026-03-31',
        promo_days_left: 42,
        features: ['commission_data', 'exports', 'analytics', 'plans', 'plan_simulation'],
        source: 'provisioning',
        upgrade_url: '/upgrade',
      },
    ],
  },
);

export type Entitlements = Static<typeof EntitlementsResponse>;
