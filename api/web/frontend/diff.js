// Two versions side by side: bpmn-js-differ's added, removed, changed and moved elements
// marked in two viewers that pan and zoom together.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { diff } from 'bpmn-js-differ';

import { fetchText, fitReadable, mark } from './markers.js';
import { translateModule } from './translate.js';
import './diff.css';

async function open(container) {
  const viewer = new NavigatedViewer({
    container,
    additionalModules: [ translateModule(document.documentElement.lang === 'zh-CN' ? 'zh_CN' : 'en') ]
  });
  await viewer.importXML(await fetchText(container.dataset.xmlUrl));
  return viewer;
}

let following = false;

function follow(source, target) {
  source.on('canvas.viewbox.changed', (event) => {
    if (following) return;
    following = true;
    target.get('canvas').viewbox(event.viewbox);
    following = false;
  });
}

async function start() {
  const oldNode = document.getElementById('diff-old');
  const newNode = document.getElementById('diff-new');
  const [ before, after ] = await Promise.all([ open(oldNode), open(newNode) ]);
  const changes = diff(before.getDefinitions(), after.getDefinitions());
  const changed = [ ...Object.keys(changes._changed), ...Object.keys(changes._added) ];
  fitReadable(after, 0.5, changed);
  before.get('canvas').viewbox(after.get('canvas').viewbox());
  mark(after, Object.keys(changes._added), 'diff-added');
  mark(before, Object.keys(changes._removed), 'diff-removed');
  mark(before, Object.keys(changes._changed), 'diff-changed');
  mark(after, Object.keys(changes._changed), 'diff-changed');
  mark(before, Object.keys(changes._layoutChanged), 'diff-layout');
  mark(after, Object.keys(changes._layoutChanged), 'diff-layout');
  follow(before.get('eventBus'), after);
  follow(after.get('eventBus'), before);
  for (const node of [ oldNode, newNode ]) node.classList.add('diff-ready');
}

start().catch((error) => {
  const message = document.createElement('p');
  message.className = 'error';
  message.textContent = String(error);
  document.getElementById('diff-old').append(message);
});
