import { createContext, useContext } from 'react';
import type { Schemas } from '../api.ts';

export type Role = Schemas['PropertyMembership']['role'];

/** Where the user is working: the property picked in the shell and their role there. */
export interface Place {
  propertyId: string;
  name: string;
  role: Role;
}

export const PlaceContext = createContext<Place | undefined>(undefined);

export function usePlace(): Place {
  const place = useContext(PlaceContext);
  if (!place) throw new Error('usePlace() outside the shell');
  return place;
}

export const isAdmin = (place: Place) => place.role === 'admin';
export const isManager = (place: Place) => place.role === 'admin' || place.role === 'staff';
