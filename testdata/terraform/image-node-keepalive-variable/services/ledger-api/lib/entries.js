const { Pool } = require('pg');
const config = require('./config');

const pool = new Pool({ connectionString: config.databaseUrl, max: 10 });

exports.entries = async (req, res) => {
  const { rows } = await pool.query('SELECT id, amount, booked_at FROM entries ORDER BY booked_at DESC LIMIT 50');
  res.json(rows);
};
