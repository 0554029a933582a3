declare module 'plotly.js-geo-dist-min' {
  const Plotly: unknown;
  export default Plotly;
}
