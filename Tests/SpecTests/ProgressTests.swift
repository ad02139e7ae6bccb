import Explorer
import Spec
import Testing

/// `@progress` marks steps that count as progress, as SPIN's progress labels do: a cycle through
/// one of them is a loop that gets somewhere, not a livelock.
@Suite struct ProgressTests {
  static func source(progress: Bool) -> String {
    """
    shared int stop = 0;
    shared int beat = 0;

    \(progress ? "@progress\n" : "")void heartbeat() {
        READ_ONCE(beat);
    }

    void poller() {
        while (READ_ONCE(stop) == 0) bound 2 {
            heartbeat();
        }
    }

    scenario poll {
        thread p = poller();
        expect ok;
    }
    """
  }

  static func kinds(progress: Bool) throws -> [String] {
    let spec = try LoadedSpec.load(source: source(progress: progress), file: "poll.ept")
    let scenario = try #require(spec.scenarios.first)
    let result = try Explorer.explore(
      spec.system(for: scenario, loopBounds: false),
      configuration: Configuration(strategy: .stateful(shortest: true)))
    return result.counterexamples.map(\.violation.kind)
  }

  @Test func aLoopWithoutProgressIsALivelock() throws {
    #expect(try Self.kinds(progress: false) == ["unbounded-retry"])
  }

  @Test func aLoopThroughAProgressStepIsNot() throws {
    #expect(try Self.kinds(progress: true) == [])
  }
}
