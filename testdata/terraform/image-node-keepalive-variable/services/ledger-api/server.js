const express = require('express');
const config = require('./lib/config');
const { entries } = require('./lib/entries');

const app = express();
app.get('/healthz', (req, res) => res.send('ok'));
app.get('/entries', entries);

const server = app.listen(config.port);
server.keepAliveTimeout = config.keepAlive;
server.headersTimeout = config.keepAlive + 1000;
