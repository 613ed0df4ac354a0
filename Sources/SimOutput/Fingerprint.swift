/// A 64-bit FNV-1a fingerprint of bytes (Fowler–Noll–Vo, offset basis 0xcbf29ce484222325,
/// prime 0x100000001b3), used to tell scenario files apart in run metadata.
///
/// It is a **fingerprint, not a cryptographic hash**: it detects accidental change (an edited
/// scenario) but anyone can construct two files with the same value. Stable across platforms,
/// Swift versions and runs (unlike `Hasher`, which is seeded per process).
public enum Fingerprint {
  /// FNV-1a 64 of `bytes`.
  /// - Complexity: O(n), no allocation.
  public static func fnv1a64(_ bytes: some Sequence<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01b3
    }
    return hash
  }

  /// FNV-1a 64 of `bytes` as 16 lowercase hexadecimal digits, e.g. `af63dc4c8601ec8c` for `a`.
  public static func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = String(fnv1a64(bytes), radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
