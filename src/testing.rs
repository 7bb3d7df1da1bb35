//! Helpers for the random-input tests: deterministic pseudo-random numbers,
//! so a failure replays the same way on every machine.

/// xorshift64 (Marsaglia 2003): small, fast, and good enough to pick pieces
/// of hostile text.
pub struct Random(u64);

impl Random {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Random {
        Random(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A text of fewer than `most` pieces picked from `pieces`: the
    /// hostile inputs of the configuration readers' no-panic tests.
    pub fn text(&mut self, pieces: &[&str], most: usize) -> String {
        (0..self.below(most)).map(|_| *self.pick(pieces)).collect()
    }
}
