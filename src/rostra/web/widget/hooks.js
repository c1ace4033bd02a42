// Fields added to every comment post besides the text and the author. This is where the abuse
// defences (a honeypot field, the time the form was shown, a browser key) plug in: each provider
// gets the form element and returns an object merged into the request body.

export const postFieldProviders = [];

export function extraPostFields(form) {
  return Object.assign({}, ...postFieldProviders.map((provider) => provider(form)));
}
