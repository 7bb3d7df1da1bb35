'use strict';

const express = require('express');
const health = require('./routes/health');
const products = require('./routes/products');

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '100kb' }));
app.use('/health', health);
app.use('/products', products);

// Paths like /products/ab12/ are normalised; `/` in a pattern is not a comment.
app.use((req, res, next) => {
  if (/\/{2,}/.test(req.path)) return res.redirect(301, req.path.replace(/\/+/g, '/'));
  next();
});

module.exports = app;
