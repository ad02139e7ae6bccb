import Spec
import Testing

/// Coverage says which functions ran and which raced, on programs small enough to check by hand.
@Suite struct ConcurrentCoverageTests {
  static let source = """
    shared int x;
    shared int y;
    spinlock l;
    @kernel("a.c", "racer") void racer() { WRITE_ONCE(x, 1); }
    @kernel("a.c", "reader") int reader() { return READ_ONCE(x); }
    @kernel("a.c", "locked") void locked() { spin_lock(&l); WRITE_ONCE(y, 1); spin_unlock(&l); }
    @kernel("a.c", "alone") void alone() { WRITE_ONCE(y, 2); }
    @kernel("a.c", "unused") void unused() { WRITE_ONCE(x, 3); }
    @kernel("a.c", "helper") int helper(int a) { return a + 1; }
    @kernel("a.c", "inside") int inside() { return READ_ONCE(x); }
    void caller() { int v; atomic { v = inside(); } WRITE_ONCE(y, v); }
    void outer() { int v = helper(1); WRITE_ONCE(y, v); }
    scenario read_vs_write { thread a = racer(); thread b = reader(); expect ok; }
    scenario two_lockers { thread a = locked(); thread b = locked(); expect ok; }
    scenario region_vs_write { thread a = caller(); thread b = racer(); expect ok; }
    scenario disjoint { thread a = alone(); thread b = racer(); thread c = outer(); expect ok; }
    """

  static func coverage(_ names: [String]) throws -> ConcurrentCoverage {
    let spec = try LoadedSpec.load(source: source, file: "cov.ept")
    var total: ConcurrentCoverage? = nil
    for name in names {
      let scenario = try #require(spec.scenario(named: name))
      let one = spec.system(for: scenario, loopBounds: false, invisibleSteps: false).coverage()
      if total == nil { total = one } else { total?.merge(one) }
    }
    return try #require(total)
  }

  static func entry(_ c: ConcurrentCoverage, _ name: String) -> ConcurrentCoverage.Entry? {
    c.functions.first { $0.name == name }
  }

  @Test func aWriteAndAReadOfOneVariableRace() throws {
    let c = try Self.coverage(["read_vs_write"])
    #expect(Self.entry(c, "racer")?.racedWith == ["read_vs_write": ["reader"]])
    #expect(Self.entry(c, "reader")?.racedWith == ["read_vs_write": ["racer"]])
    #expect(Self.entry(c, "unused")?.executed == false)
    #expect(c.completeScenarios == ["read_vs_write"])
  }

  @Test func lockAcquisitionsRaceEachOther() throws {
    let c = try Self.coverage(["two_lockers"])
    #expect(Self.entry(c, "locked")?.racedWith == ["two_lockers": ["locked"]])
  }

  @Test func aFunctionCalledInsideAnAtomicRegionRunsAndRacesInItsStep() throws {
    let c = try Self.coverage(["region_vs_write"])
    #expect(Self.entry(c, "inside")?.executedIn == ["region_vs_write"])
    #expect(Self.entry(c, "inside")?.racedWith == ["region_vs_write": ["racer"]])
    #expect(Self.entry(c, "caller")?.racedWith == ["region_vs_write": ["racer"]])
    #expect(Self.entry(c, "racer")?.racedWith == ["region_vs_write": ["inside"]])
  }

  @Test func disjointMemoryRunsWithoutRacing() throws {
    let c = try Self.coverage(["disjoint"])
    // `racer` is the only one to touch x; `alone` and `outer` both write y.
    let racer = try #require(Self.entry(c, "racer"))
    #expect(racer.executedIn == ["disjoint"])
    #expect(racer.raced == false)
    #expect(Self.entry(c, "alone")?.racedWith == ["disjoint": ["outer"]])
    #expect(Self.entry(c, "outer")?.racedWith == ["disjoint": ["alone"]])
    #expect(Self.entry(c, "helper")?.sharesMemory == false)
    #expect(Self.entry(c, "alone")?.sharesMemory == true)
  }

  @Test func mergingAddsScenariosAndKeepsEachFunctionOnce() throws {
    let c = try Self.coverage(["read_vs_write", "region_vs_write", "disjoint"])
    #expect(
      Self.entry(c, "racer")?.racedWith == [
        "read_vs_write": ["reader"], "region_vs_write": ["inside"],
      ])
    #expect(Self.entry(c, "racer")?.executedIn == ["read_vs_write", "region_vs_write", "disjoint"])
    #expect(c.functions.filter { $0.name == "racer" }.count == 1)
    #expect(c.completeScenarios == ["read_vs_write", "region_vs_write", "disjoint"])
  }

  @Test func aBudgetTooSmallSaysTheWalkWasCut() throws {
    let spec = try LoadedSpec.load(source: Self.source, file: "cov.ept")
    let scenario = try #require(spec.scenario(named: "disjoint"))
    let c = spec.system(for: scenario, loopBounds: false, invisibleSteps: false)
      .coverage(stateBudget: 2)
    #expect(c.truncatedScenarios == ["disjoint"])
    #expect(c.completeScenarios.isEmpty)
  }
}
