import Crypto

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

/// The flow hash of API Priority and Fairness: SHA-256 over the UTF-8 bytes of the FlowSchema
/// name, a 0 byte, then the flow distinguisher; its first 8 bytes read little-endian
/// (apiserver:pkg/util/flowcontrol/apf_controller.go `hashFlowID`, :1131-1140 at HEAD, the same
/// from v0.20.0). A flow is dealt the same queues as by a real apiserver. SHA-256 is swift-crypto's
/// (BoringSSL's on Linux, CryptoKit's on Apple platforms). Computed once per client, not per request.
public func flowHash(flowSchema: String, distinguisher: String) -> UInt64 {
  var sha = SHA256()
  sha.update(data: Array(flowSchema.utf8))
  sha.update(data: [0])
  sha.update(data: Array(distinguisher.utf8))
  return sha.finalize().withUnsafeBytes { digest in
    (0..<8).reduce(UInt64(0)) { value, byte in value | UInt64(digest[byte]) << (8 * UInt64(byte)) }
  }
}
