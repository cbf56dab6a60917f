/** The console's place in the URL: `#/<view>/<id>` (the id only where a view opens one item). */
export function routeParts(): { view: string; id: string | null } {
  const [view, id] = window.location.hash.replace(/^#\/?/, '').split('/');
  return { view, id: id || null };
}
