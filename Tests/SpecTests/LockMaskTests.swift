import Testing

@testable import Spec

/// LockMask against the dictionary it replaced in LockSets: the same meet, union and exclusion
/// on every cell word, including the last cell LockSets allows.
@Suite struct LockMaskTests {
  typealias Reference = [Int: Bool]

  static func mask(_ reference: Reference) -> LockMask {
    var mask = LockMask.empty
    for (cell, exclusive) in reference {
      if exclusive { mask.acquire(cell) } else { mask.acquireShared(cell) }
    }
    return mask
  }

  static let samples: [Reference] = [
    [:], [3: true], [3: false], [3: true, 70: false], [70: true, 255: true], [255: false],
    [0: false, 64: true, 128: false, 192: true], [3: false, 255: true],
  ]

  @Test func meetKeepsWhatBothHoldExclusiveOnlyWhereBothAre() {
    for a in Self.samples {
      for b in Self.samples {
        var expected: Reference = [:]
        for (cell, exclusive) in a {
          if let other = b[cell] { expected[cell] = exclusive && other }
        }
        #expect(Self.mask(a).meet(Self.mask(b)) == Self.mask(expected), "\(a) ∧ \(b)")
      }
    }
  }

  @Test func unionKeepsWhatEitherHoldsExclusiveWhereEitherIs() {
    for a in Self.samples {
      for b in Self.samples {
        let expected = a.merging(b) { $0 || $1 }
        #expect(Self.mask(a).union(Self.mask(b)) == Self.mask(expected), "\(a) ∨ \(b)")
      }
    }
  }

  @Test func excludesWhenBothHoldALockOneOfThemExclusively() {
    var excluded = 0
    for a in Self.samples {
      for b in Self.samples {
        let expected = a.contains { cell, exclusive in b[cell].map { exclusive || $0 } ?? false }
        #expect(Self.mask(a).excludes(Self.mask(b)) == expected, "\(a) vs \(b)")
        if expected { excluded += 1 }
      }
    }
    #expect(excluded == 23)
  }

  @Test func sharedAcquireKeepsAnExclusiveHoldAndReleaseDropsBoth() {
    var mask = LockMask.empty
    mask.acquire(200)
    mask.acquireShared(200)
    #expect(mask == Self.mask([200: true]))
    mask.release(200)
    #expect(mask == LockMask.empty)
    #expect(Set([Self.mask([1: true]), Self.mask([1: false]), Self.mask([1: true])]).count == 2)
  }
}
