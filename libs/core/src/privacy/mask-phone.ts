/** `139****0000` for mobiles; keeps the length for other numbers so formats stay recognisable. */
export function maskPhone(phone: string): string {
  const p = phone.trim();
  if (p.length >= 8) {
    return `${p.slice(0, 3)}${'*'.repeat(p.length - 7)}${p.slice(-4)}`;
  }
  if (p.length <= 2) {
    return '*'.repeat(p.length);
  }
  return `${'*'.repeat(p.length - 2)}${p.slice(-2)}`;
}
