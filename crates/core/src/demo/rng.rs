//! The demo's only source of randomness.

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and fixed forever.
/// Used instead of `rand` because the demo network for a seed must never
/// change across crate versions; tests, benchmarks and screenshots rely on it.
pub(super) struct SplitMix64(u64);

impl SplitMix64 {
    pub(super) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`; `n` must not be zero.
    pub(super) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(super) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        let span = (hi - lo) as u64 + 1;
        lo + ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as i64
    }

    /// True with probability `p`.
    pub(super) fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64) < p * (1u64 << 53) as f64
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Two different items (the same one if there is only one).
    pub(super) fn pick_two<'a, T>(&mut self, items: &'a [T]) -> (&'a T, &'a T) {
        let first = self.below(items.len());
        let second = (first + 1 + self.below(items.len().max(2) - 1)) % items.len();
        (&items[first], &items[second])
    }

    pub(super) fn pick_weighted<'a, T>(
        &mut self,
        items: &'a [T],
        weight: impl Fn(&T) -> u32,
    ) -> &'a T {
        &items[self.weighted_index(items, weight)]
    }

    /// An index into `items`, each as likely as its weight; the weights must not all be zero.
    pub(super) fn weighted_index<T>(&mut self, items: &[T], weight: impl Fn(&T) -> u32) -> usize {
        let total: u32 = items.iter().map(&weight).sum();
        let mut target = self.below(total as usize) as u32;
        for (i, item) in items.iter().enumerate() {
            let w = weight(item);
            if target < w {
                return i;
            }
            target -= w;
        }
        unreachable!("the target is below the total weight")
    }
}
