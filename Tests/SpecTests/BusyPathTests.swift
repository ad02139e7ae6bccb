import Explorer
import Foundation
import Spec
import Testing

/// Every busy path of the model is reachable: per `TDX_OPERAND_BUSY` operand, the mainline
/// scenarios whose reachable states include a call that returned it (the module's model-only
/// `tdx_busy_seen`), and per retry of `tdh_do_no_vcpus`, the scenarios in which some state has a
/// thread at the retry's first step (`WRITE_ONCE(wait_for_sept_zap, true)`).
@Suite struct BusyPathTests {
  /// What one complete walk of a scenario's states saw.
  struct Reach {
    var busy: Int = 0
    var retries: Set<String> = []
  }

  static let retryFunctions = [
    "tdh_mem_range_block_no_vcpus", "tdh_mem_track_no_vcpus", "tdh_mem_page_remove_no_vcpus",
  ]

  /// Every reachable state of the scenario, every scheduling point a step of its own.
  static func reach(_ scenario: ScenarioInfo) -> Reach {
    let system = ManifestTests.spec.system(
      for: scenario, loopBounds: false, invisibleSteps: false)
    var reach = Reach()
    var seen: Set<ScenarioSystem.State> = [system.initialState]
    var stack = [system.initialState]
    while let state = stack.popLast() {
      if let value = system.value(of: "tdx_busy_seen", in: state) {
        reach.busy |= Int(value.bits)
      }
      for thread in 0..<system.threadCount {
        guard case .enabled(_, let choices) = system.status(of: thread, in: state) else {
          continue
        }
        if let info = system.stepInfo(of: thread, in: state),
          retryFunctions.contains(info.function),
          info.operation == "WRITE_ONCE(wait_for_sept_zap, true)"
        {
          reach.retries.insert(info.function)
        }
        for choice in 0..<choices {
          var next = state
          _ = system.execute(thread: thread, choice: choice, in: &next)
          if seen.insert(next).inserted { stack.append(next) }
        }
      }
    }
    return reach
  }

  static let reaches: [String: Reach] = {
    var reaches: [String: Reach] = [:]
    for scenario in ManifestTests.spec.scenarios { reaches[scenario.name] = reach(scenario) }
    return reaches
  }()

  /// The bits of `tdx_busy_seen` (tdx_busy_bit in tdx_module.ept).
  static let operands: [(name: String, bit: Int)] = [
    ("TDX_OPERAND_BUSY | RCX", 1), ("TDX_OPERAND_BUSY | R8", 2), ("TDX_OPERAND_BUSY | TDR", 4),
    ("TDX_OPERAND_BUSY | TDVPR", 8), ("TDX_OPERAND_BUSY | SEPT", 16),
    ("TDX_OPERAND_BUSY | TD_EPOCH", 32), ("TDX_OPERAND_BUSY_HOST_PRIORITY", 64),
  ]

  /// The scenarios that reach each operand. R8 (a page's PAMT entry) and TDVPR are reached by
  /// none, and cannot be: KVM serialises every pair of calls on one page (the mirror SPTE is
  /// frozen, or mmu_lock held for write, while the call runs) and every pair of calls on one
  /// vCPU (vcpu->mutex); ModuleLockTests shows both are modelled.
  static let expectedOperands: [String: Set<String>] = [
    "TDX_OPERAND_BUSY | RCX": ["accepts_vs_zap_host_priority", "zap_vs_guest_accept"],
    "TDX_OPERAND_BUSY | R8": [],
    "TDX_OPERAND_BUSY | TDR": ["finalize_vs_punch_hole"],
    "TDX_OPERAND_BUSY | TDVPR": [],
    "TDX_OPERAND_BUSY | SEPT": [
      "block_vs_zero_step_entry", "fault_retry_ends_on_event", "zap_vs_running_vcpu",
      "zero_step_vs_accepting_guests",
    ],
    "TDX_OPERAND_BUSY | TD_EPOCH": [
      "accepts_vs_zap_host_priority", "block_vs_zero_step_entry", "guest_touches_accepted_page",
      "track_vs_vcpu_entering", "zap_vs_guest_accept", "zap_vs_running_vcpu",
    ],
    "TDX_OPERAND_BUSY_HOST_PRIORITY": ["accepts_vs_zap_host_priority"],
  ]

  @Test func everyOperandKVMCanMeetIsReachedBySomeScenario() {
    for (name, bit) in Self.operands {
      let reaching = Set(Self.reaches.filter { $0.value.busy & bit != 0 }.keys)
      #expect(reaching == Self.expectedOperands[name], "\(name)")
    }
  }

  /// tdh_do_no_vcpus's three retries, each reached.
  @Test func everyRetryOfTdhDoNoVcpusIsReached() {
    let expected: [String: Set<String>] = [
      "tdh_mem_range_block_no_vcpus": [
        "accepts_vs_zap_host_priority", "block_vs_zero_step_entry", "finalize_vs_punch_hole",
        "zap_vs_guest_accept", "zap_vs_running_vcpu",
      ],
      "tdh_mem_track_no_vcpus": [
        "accepts_vs_zap_host_priority", "block_vs_zero_step_entry", "guest_touches_accepted_page",
        "track_vs_vcpu_entering", "zap_vs_guest_accept", "zap_vs_running_vcpu",
      ],
      "tdh_mem_page_remove_no_vcpus": [
        "accepts_vs_zap_host_priority", "block_vs_zero_step_entry", "finalize_vs_punch_hole",
        "zap_vs_guest_accept", "zap_vs_running_vcpu",
      ],
    ]
    for function in Self.retryFunctions {
      let reaching = Set(Self.reaches.filter { $0.value.retries.contains(function) }.keys)
      #expect(reaching == expected[function], "\(function)")
    }
  }

  @Test func tdxBugOnNamesTheBusyOperand() {
    #expect(TDXStatus.describe(0x8000_0200_0000_0080) == "TDX_OPERAND_BUSY | TDR")
    #expect(TDXStatus.describe(0x8000_0200_0000_00A9) == "TDX_OPERAND_BUSY | TD_EPOCH")
    #expect(TDXStatus.describe(0x8000_0204_0000_0001) == "TDX_OPERAND_BUSY_HOST_PRIORITY | RCX")
    #expect(TDXStatus.describe(0xC000_0B08_0000_0000) == "TDX_TLB_TRACKING_NOT_DONE")
    #expect(TDXStatus.describe(0x8000_0200_0000_0093) == "TDX_OPERAND_BUSY | 0x93")
    #expect(TDXStatus.describe(0x1234) == "0x1234")
  }
}
