export const VERSION = "0.1.0";
export const USER_AGENT = `ForeignDeskBot/${VERSION} (foreign-policy news alerts for Discord; +https://github.com/foreign-desk/foreign-desk)`;
