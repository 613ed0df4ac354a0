/// The shuffle-sharding dealer of API Priority and Fairness (apiserver:pkg/util/shufflesharding):
/// deals a hand of `handSize` distinct queue indices out of a deck of `deckSize` from a flow's
/// 64-bit hash.
///
/// Card i's position is the i-th mixed-radix digit of the hash, radix `deckSize − i`, read from
/// the low end; it is then mapped onto the cards not yet dealt (each earlier card at or below it
/// moves it up by one), so the hand has no duplicates. Same algorithm as k8s `Dealer.Deal`.
///
/// - Complexity: O(handSize²), no heap allocation.
public struct ShuffleShardingDealer: Hashable, Sendable {
  public let deckSize: Int
  public let handSize: Int

  /// - Precondition: `1 <= handSize <= deckSize` (configuration is validated before this).
  public init(deckSize: Int, handSize: Int) {
    precondition(handSize >= 1 && handSize <= deckSize, "hand size \(handSize) must be in 1...\(deckSize)")
    self.deckSize = deckSize
    self.handSize = handSize
  }

  /// Calls `pick` with each dealt card (queue index), in dealing order.
  public func deal(_ hash: UInt64, _ pick: (Int) -> Void) {
    withUnsafeTemporaryAllocation(of: Int.self, capacity: handSize) { remainders in
      var value = hash
      for i in 0..<handSize {
        let radix = UInt64(deckSize - i)
        let next = value / radix
        remainders[i] = Int(value - radix * next)
        value = next
      }
      for i in 0..<handSize {
        var card = remainders[i]
        var j = i
        while j > 0 {
          if card >= remainders[j - 1] { card += 1 }
          j -= 1
        }
        pick(card)
      }
    }
  }

  /// The dealt hand as an array (for tests and diagnostics; allocates).
  public func hand(_ hash: UInt64) -> [Int] {
    var cards: [Int] = []
    deal(hash) { cards.append($0) }
    return cards
  }
}

/// The flow hash of API Priority and Fairness in aggsim: FNV-1a 64 over the UTF-8 bytes of the
/// FlowSchema name, a 0 byte, then the flow distinguisher. (k8s takes the first 8 bytes,
/// little-endian, of SHA-256 over the same bytes; FNV-1a is used here because it is stable,
/// dependency-free and spreads flows as well for dealing. Queue indices therefore differ from a
/// real apiserver's for the same user, but not their distribution.)
public func flowHash(flowSchema: String, distinguisher: String) -> UInt64 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  let prime: UInt64 = 0x0000_0100_0000_01b3
  for byte in flowSchema.utf8 { hash = (hash ^ UInt64(byte)) &* prime }
  hash = (hash ^ 0) &* prime
  for byte in distinguisher.utf8 { hash = (hash ^ UInt64(byte)) &* prime }
  return hash
}
