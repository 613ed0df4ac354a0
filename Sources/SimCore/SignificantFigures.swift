import Foundation

/// Figures for people to read (the console digest, reports, chart labels): a number rounded to
/// a count of significant digits as C's `%g` rounds it, but written out in full below 10^15
/// (`31760` rather than `3.176e+04` for a p50 of 31.76 s in milliseconds). Small magnitudes
/// keep `%g`'s exponent form (`1.2e-07`), which reads better than a run of zeros; infinities and
/// NaN are `inf` and `nan` as `%g` writes them.
public enum SignificantFigures {
  /// Above this magnitude the exponent form stays (a 16th digit would be invented).
  static let fullFormLimit = 1e15

  /// `x` to `digits` significant digits (1 to 17).
  public static func text(_ x: Double, digits: Int) -> String {
    let digits = Swift.min(Swift.max(digits, 1), 17)
    let g = String(format: "%.\(digits)g", x)
    guard g.contains("e+"), abs(x) < fullFormLimit, let rounded = Double(g) else { return g }
    return String(format: "%.0f", rounded)
  }
}
