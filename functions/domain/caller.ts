/**
 * Who is asking. Only identity: what the caller may do at a property comes from
 * membership records (see access.ts). Operators run the platform: a platform role,
 * not a property role. The HTTP shell builds it from the verified token
 * (functions/http/caller.ts).
 */
export interface Caller {
  userId: string;
  operator: boolean;
}
