/** A registered person, as the core sees it (plain data, no ORM types). */
export interface Person {
  id: string;
  regionId: string;
  kind: 'volunteer' | 'refugee' | 'staff';
  status: 'active' | 'banned';
  locale: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  placeName: string | null;
  postcode: string | null;
  lat: number | null;
  lon: number | null;
  travelRadiusKm: number | null;
  activities: string[];
  languages: string[];
  weeklyHours: number | null;
  skills: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The volunteer profile a person fills in at registration and may change later. */
export interface Profile {
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  placeName: string;
  postcode: string | null;
  lat: number;
  lon: number;
  travelRadiusKm: number;
  activities: string[];
  languages: string[];
  weeklyHours: number;
  skills: string | null;
}

export interface ChannelAddress {
  channel: string;
  address: string;
}
