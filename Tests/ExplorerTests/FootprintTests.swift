import Testing

@testable import Explorer

/// The dependence relation, mode by mode: reads and shared lock operations commute with each
/// other; every other pair of accesses to one object conflicts.
@Suite struct FootprintTests {
  /// `conflicts[a][b]` for `AccessMode.allCases` in declaration order:
  /// read, write, readModifyWrite, acquire, release, sharedAcquire, sharedRelease.
  static let table: [[Bool]] = [
    //  r      w      rmw    acq    rel    sacq   srel
    [false, true, true, true, true, false, false],  // read
    [true, true, true, true, true, true, true],  // write
    [true, true, true, true, true, true, true],  // readModifyWrite
    [true, true, true, true, true, true, true],  // acquire
    [true, true, true, true, true, true, true],  // release
    [false, true, true, true, true, false, false],  // sharedAcquire
    [false, true, true, true, true, false, false],  // sharedRelease
  ]

  @Test func modesAreListedInTableOrder() {
    #expect(
      AccessMode.allCases == [
        .read, .write, .readModifyWrite, .acquire, .release, .sharedAcquire, .sharedRelease,
      ])
  }

  @Test(arguments: AccessMode.allCases, AccessMode.allCases)
  func sameObjectConflictsAsTheTableSays(_ a: AccessMode, _ b: AccessMode) {
    let i = AccessMode.allCases.firstIndex(of: a)!
    let j = AccessMode.allCases.firstIndex(of: b)!
    let fa = Footprint([(object: 3, mode: a)])
    let fb = Footprint([(object: 3, mode: b)])
    #expect(fa.conflicts(with: fb) == Self.table[i][j])
    #expect(fb.conflicts(with: fa) == Self.table[i][j], "conflicts is symmetric")
    #expect(a.isExclusive == Self.table[i][i])
  }

  @Test(arguments: AccessMode.allCases, AccessMode.allCases)
  func differentObjectsNeverConflict(_ a: AccessMode, _ b: AccessMode) {
    let fa = Footprint([(object: 3, mode: a)])
    let fb = Footprint([(object: 4, mode: b)])
    #expect(!fa.conflicts(with: fb))
    #expect(!fa.conflicts(with: .empty))
    #expect(!Footprint.empty.conflicts(with: fb))
  }

  @Test func identifiersFoldModulo256AndCanOnlyAddConflicts() {
    let high = Footprint([(object: 256 + 7, mode: .write)])
    #expect(high.conflicts(with: Footprint([(object: 7, mode: .read)])))
    #expect(!high.conflicts(with: Footprint([(object: 8, mode: .read)])))
    #expect(high.objects.map(\.object) == [7])
  }

  @Test func objectsInEveryWordAreKeptApart() {
    for object in [0, 63, 64, 127, 128, 200, 255] {
      let f = Footprint([(object: object, mode: .write)])
      #expect(f.objects.map(\.object) == [object])
      #expect(f.conflicts(with: Footprint([(object: object, mode: .read)])))
      #expect(!f.conflicts(with: Footprint([(object: (object + 1) % 256, mode: .write)])))
    }
  }

  @Test func aFootprintWithManyObjectsConflictsOnAnyCommonOne() {
    let a = Footprint([
      (object: 1, mode: .read), (object: 70, mode: .read), (object: 130, mode: .write),
    ])
    #expect(
      !a.conflicts(with: Footprint([(object: 1, mode: .read), (object: 70, mode: .sharedAcquire)])))
    #expect(a.conflicts(with: Footprint([(object: 70, mode: .write)])))
    #expect(a.conflicts(with: Footprint([(object: 130, mode: .read)])))
    #expect(a.objects.map(\.object) == [1, 70, 130])
    #expect(a.objects.map(\.exclusive) == [false, false, true])
  }

  @Test func anObjectBothReadAndWrittenCountsAsExclusive() {
    let f = Footprint([(object: 5, mode: .read), (object: 5, mode: .write)])
    #expect(f.objects.map(\.exclusive) == [true])
    #expect(f.conflicts(with: Footprint([(object: 5, mode: .read)])))
  }

  @Test func onlyAcquisitionsAndAwaitsCanBlock() {
    for mode in AccessMode.allCases {
      let f = Footprint([(object: 0, mode: mode)])
      #expect(f.canBlock == (mode == .acquire || mode == .sharedAcquire), "\(mode)")
    }
    var awaiting = Footprint([(object: 0, mode: .read)])
    awaiting.markBlocking()
    #expect(awaiting.canBlock)
    var union = Footprint([(object: 1, mode: .read)])
    union.formUnion(awaiting)
    #expect(union.canBlock)
    #expect(union.objects.map(\.object) == [0, 1])
  }

  @Test func emptiness() {
    #expect(Footprint.empty.isEmpty)
    #expect(Footprint().isEmpty)
    #expect(!Footprint([(object: 0, mode: .read)]).isEmpty)
    #expect(Footprint.empty.objects.isEmpty)
  }

  @Test func eventsOfOneThreadAreAlwaysDependent() {
    let a = Event(thread: 0, choice: 0, footprint: .empty)
    let b = Event(thread: 0, choice: 1, footprint: .empty)
    let c = Event(thread: 1, choice: 0, footprint: .empty)
    #expect(a.isDependent(on: b))
    #expect(!a.isDependent(on: c))
    #expect(!a.isSameStep(as: b))
    #expect(
      a.isSameStep(
        as: Event(thread: 0, choice: 0, footprint: Footprint([(object: 1, mode: .write)]))))
  }
}
