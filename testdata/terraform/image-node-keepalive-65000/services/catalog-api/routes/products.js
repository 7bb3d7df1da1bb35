'use strict';

const { Router } = require('express');

const router = Router();
const items = [
  { id: 'ab12', name: 'Kettle', price: 2990 },
  { id: 'cd34', name: 'Teapot', price: 1890 },
];

router.get('/', (req, res) => res.json(items));
router.get('/:id', (req, res) => {
  const item = items.find((i) => i.id === req.params.id);
  if (!item) return res.status(404).json({ error: `no product ${req.params.id}` });
  res.json(item);
});

module.exports = router;
