// Writes tests/data/cvss/v3_reference.txt: random CVSS v3.0/v3.1 vectors
// with the scores FIRST's reference calculators (cvsscalc30.js,
// cvsscalc31.js, as shipped in the npm package
// @secvisogram/csaf-validator-lib) compute for them.  One-off generator:
//   node scripts/gen-cvss-fixture.mjs PACKAGE_LIB_DIR > tests/data/cvss/v3_reference.txt
const lib = process.argv[2]
const C31 = (await import(lib + '/shared/first/cvsscalc31.js')).default
const C30 = (await import(lib + '/shared/first/cvsscalc30.js')).default
const base = [['AV', 'NALP'], ['AC', 'LH'], ['PR', 'NLH'], ['UI', 'NR'],
  ['S', 'UC'], ['C', 'NLH'], ['I', 'NLH'], ['A', 'NLH']]
const opt = [['E', 'XUPFH'], ['RL', 'XOTWU'], ['RC', 'XURC'], ['CR', 'XLMH'],
  ['IR', 'XLMH'], ['AR', 'XLMH'], ['MAV', 'XNALP'], ['MAC', 'XLH'],
  ['MPR', 'XNLH'], ['MUI', 'XNR'], ['MS', 'XUC'], ['MC', 'XNLH'],
  ['MI', 'XNLH'], ['MA', 'XNLH']]
let seed = 12345
const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
for (let i = 0; i < 600; i++) {
  const ver = i % 3 === 0 ? '3.0' : '3.1'
  let v = 'CVSS:' + ver
  for (const [k, vals] of base) v += '/' + k + ':' + vals[rnd(vals.length)]
  for (const [k, vals] of opt) if (rnd(3) === 0) v += '/' + k + ':' + vals[rnd(vals.length)]
  const r = (ver === '3.0' ? C30 : C31).calculateCVSSFromVector(v)
  if (!r.success) throw new Error(v)
  console.log(v, r.baseMetricScore, r.temporalMetricScore, r.environmentalMetricScore)
}
