/**
 * The control registry: one renderer for every kind of the catalogue. The type makes a kind added to the
 * catalogue without a renderer a compile error.
 */

import { collapsible } from './collapsible';
import { alert, badge, code, icon, progressBar, progressRing, text } from './display';
import { image } from './image';
import { button, checkbox, dropdown, radioGroup, switchControl, textArea, textField } from './inputs';
import { column, divider, grid, row } from './layout';
import { lineChart } from './line-chart';
import { markdownControl } from './markdown';
import { slider } from './slider';
import { table } from './table';
import { tabs } from './tabs';
import { tree } from './tree';
import type { ControlRegistry } from './types';

export { unknownControl } from './unknown';

export const REGISTRY: ControlRegistry = {
  column,
  row,
  grid,
  tabs,
  collapsible,
  divider,
  text,
  markdown: markdownControl,
  code,
  badge,
  icon,
  image,
  progressRing,
  progressBar,
  alert,
  button,
  textField,
  textArea,
  checkbox,
  switch: switchControl,
  radioGroup,
  dropdown,
  slider,
  table,
  tree,
  lineChart,
};
