import { notFound } from './errors.ts';
import { defaultSettings, type PropertySettings } from '../schemas/properties.ts';
import type { Stores } from './stores.ts';

/*
 * The property record on its own, below everything that reads a property's settings
 * (credential sets, reconciliation, passes, people). properties.ts holds the property
 * use cases, which call up into credential sets and reconciliation: keeping the record
 * here keeps that a one-way street (no import cycle).
 */

export interface Property {
  id: string;
  name: string;
  timezone: string;
  settings: PropertySettings;
  createdAt: string;
}

const view = (item: Property): Property => ({
  id: item.id,
  name: item.name,
  timezone: item.timezone,
  settings: { ...defaultSettings, ...item.settings },
  createdAt: item.createdAt,
});

/** The property record, for domain code that already checked access. */
export async function loadProperty(stores: Stores, propertyId: string): Promise<Property> {
  const item = await stores.properties.get(propertyId);
  if (!item) throw notFound('No such property');
  return view(item);
}
