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

// Fit the diagram into its container, but never below `smallest`: a wide diagram is then
// shown at that scale around `focus` (element ids; the diagram's left edge without them).
export function fitReadable(viewer, smallest, focus) {
  const canvas = viewer.get('canvas');
  const fitted = canvas.zoom('fit-viewport');
  if (fitted >= smallest) return;
  const box = canvas.viewbox();
  const width = box.outer.width / smallest;
  const height = box.outer.height / smallest;
  const registry = viewer.get('elementRegistry');
  const shapes = (focus || []).map((id) => registry.get(id)).filter((e) => e && e.width !== undefined);
  let x = box.inner.x - 20;
  let y = box.inner.y - 20;
  if (shapes.length) {
    const left = Math.min(...shapes.map((s) => s.x));
    const right = Math.max(...shapes.map((s) => s.x + s.width));
    const top = Math.min(...shapes.map((s) => s.y));
    const bottom = Math.max(...shapes.map((s) => s.y + s.height));
    x = Math.max(box.inner.x - 20, Math.min((left + right - width) / 2, box.inner.x + box.inner.width - width + 20));
    y = Math.max(box.inner.y - 20, Math.min((top + bottom - height) / 2, box.inner.y + box.inner.height - height + 20));
  }
  canvas.viewbox({ x, y, width, height });
}
