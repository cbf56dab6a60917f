/**
 * What a masked view may say about a patient's birth.
 *
 * The masked ID number `500114********0316` hides characters 7–14, which are exactly the birth
 * date, and shows the region (1–6), the sequence (15–17, whose parity is the sex) and the check
 * character (18). So a masked view must not return the birth date, nor anything that pins it
 * down together with what the mask shows:
 *
 * - The check character is ISO 7064 MOD 11-2 over the first 17 digits: with everything but
 *   the date known, it keeps about 1 date in 11. With the birth year known, month and day are
 *   hidden: of a year's 365/366 dates, between 32 and 35 agree with a given check character (the
 *   spec counts every year from 1890 and every check value; the minimum is 32). So a birth year
 *   leaves at least 32 equally likely ID numbers. Hiding the check character as well would leave
 *   365, but the last four characters are what staff read out and search by (`idSuffix`, the
 *   usual first-6/last-4 form); 32 candidates are not a reconstruction, and the product offers no
 *   way to test a guess short of a registration attempt, which is audited.
 * - An exact age is not returned: polled day by day, the day it changes is the birthday.
 *   Age in whole years is the caller's subtraction from the birth year.
 * - Registration refuses birth dates in the future, so the registration time (returned as
 *   `createdAt`, and in the audit trail) bounds the birth date from above. For someone born in
 *   the year of registration, the year alone would leave only the dates between 1 January and
 *   registration day (a few on 3 January). So the year is withheld when the patient was born in
 *   the registration year or the year before: then "withheld" means "born between 1 January of
 *   the year before registration and registration day", at least 366 dates and again at least
 *   32 candidates; and every year that is shown is a whole year before registration.
 */

// Birth dates on ID numbers are Beijing dates; China has had no DST since 1991.
const CHINA_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Years before the registration year whose birth year is withheld (this year and the one before). */
export const WITHHELD_RECENT_YEARS = 1;

function chinaYear(at: Date): number {
  return new Date(at.getTime() + CHINA_UTC_OFFSET_MS).getUTCFullYear();
}

/**
 * The birth year a masked view may show (`birthDate` is YYYY-MM-DD, `registeredAt` the patient's
 * registration time), or null when the year would narrow the hidden digits too far.
 */
export function maskedBirthYear(birthDate: string, registeredAt: Date): number | null {
  const year = Number(birthDate.slice(0, 4));
  return year < chinaYear(registeredAt) - WITHHELD_RECENT_YEARS ? year : null;
}
