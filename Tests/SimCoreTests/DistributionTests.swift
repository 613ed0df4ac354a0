import Testing
@testable import SimCore

@Test("smoke") func smoke() {
  let s = RandomStream(seed: 20261124)
  #expect(Distribution.exponential(mean: .milliseconds(1000)).sample(s) > .zero)
}
