// bpmn-js's translate service in the page's language: the zh-CN dictionary, or English as written.
import zhCN from './zh-cn.js';

export function translateModule(lang) {
  const dictionary = lang === 'zh_CN' ? zhCN : {};

  function translate(template, replacements) {
    const text = dictionary[template] || template;
    return text.replace(/{([^}]+)}/g, (whole, key) =>
      replacements && replacements[key] !== undefined ? replacements[key] : whole);
  }

  return { translate: [ 'value', translate ] };
}
