// Settings from the environment, with the defaults used in production.
module.exports = {
  port: Number(process.env.PORT) || 8080,
  keepAlive: Number(process.env.KEEP_ALIVE_MS) || 65000,
  databaseUrl: process.env.DATABASE_URL,
};
