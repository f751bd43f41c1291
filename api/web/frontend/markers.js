// Marking elements of a diagram: element ids to CSS marker classes, skipping ids it does not have.

export function mark(viewer, ids, marker) {
  const registry = viewer.get('elementRegistry');
  const canvas = viewer.get('canvas');
  const marked = [];
  for (const id of ids || []) {
    if (registry.get(id)) {
      canvas.addMarker(id, marker);
      marked.push(id);
    }
  }
  return marked;
}

export function unmarkAll(viewer, marker) {
  const canvas = viewer.get('canvas');
  for (const element of viewer.get('elementRegistry').getAll()) {
    canvas.removeMarker(element, marker);
  }
}

export async function fetchText(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  return response.text();
}
