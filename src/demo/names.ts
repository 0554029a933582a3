/**
 * Invented names for the synthetic demo data (src/demo/generate.ts).
 *
 * Every name pairs an uncommon first name with an invented surname, so no entry names a real or
 * famous person. Agent names are unique, and no manager shares a name with an agent (both are
 * checked by test/unit/demo-generate.test.ts).
 */

/** 33 agents: the 30 on the September 2025 roster plus 3 who left during the 24 months. */
export const DEMO_AGENT_NAMES = [
  'Corwin Ashdale',
  'Odalys Brennart',
  'Tavish Mirecourt',
  'Maelis Thornquist',
  'Dashiell Vantrease',
  'Liora Pennywell',
  'Bram Castellow',
  'Jessamy Quillon',
  'Rennick Darrowby',
  'Soraya Fenwright',
  'Thaddeus Gallowmere',
  'Wrenna Hartsell',
  'Alaric Ivesby',
  'Marisol Jorvander',
  'Idris Kettleby',
  'Calla Larkstone',
  'Evander Merriwick',
  'Noemi Norcastle',
  'Lachlan Oakhollow',
  'Perpetua Prestwold',
  'Ambrose Quenby',
  'Delphine Rothwelle',
  'Cassius Sandiver',
  'Isolde Tallowell',
  'Faustino Umberfield',
  'Rosalind Varnell',
  'Gideon Wexcombe',
  'Zinnia Yarbridge',
  'Leopold Zellmore',
  'Araceli Amberlee',
  'Barnaby Bellcroft',
  'Tamsin Cindervale',
  'Oswin Dunmarrow',
] as const;

/** The 8 sales managers. */
export const DEMO_MANAGER_NAMES = [
  'Henrietta Elsworthy',
  'Lucan Foxmoor',
  'Ophelia Greywell',
  'Ignatius Hollowfen',
  'Marguerite Ashcombe',
  'Benedikt Stellhorn',
  'Seraphina Woldmere',
  'Ulrich Pembrook',
] as const;
