/// A SEAMCALL status as the kernel names it, for the messages of `TDX_BUG_ON`.
///
/// `TDX_OPERAND_BUSY` and `TDX_OPERAND_BUSY_HOST_PRIORITY` carry the id of the operand whose lock
/// the call could not take in their low bits; they print as `TDX_OPERAND_BUSY | TDR`. The other
/// statuses of the model's TDX module print by name, anything else in hex.
public enum TDXStatus {
  static let statusMask: UInt64 = 0xFFFF_FFFF_0000_0000

  /// The operand ids of `arch/x86/include/asm/shared/tdx_errno.h` and the TDX module's ABI.
  static let operands: [UInt64: String] = [
    0x01: "RCX", 0x08: "R8", 0x80: "TDR", 0x82: "TDVPR", 0x92: "SEPT", 0xA9: "TD_EPOCH",
  ]

  static let statuses: [UInt64: String] = [
    0x8000_0200_0000_0000: "TDX_OPERAND_BUSY",
    0x8000_0204_0000_0000: "TDX_OPERAND_BUSY_HOST_PRIORITY",
    0xC000_0B00_0000_0000: "TDX_EPT_WALK_FAILED",
    0xC000_0B0D_0000_0000: "TDX_EPT_ENTRY_STATE_INCORRECT",
    0xC000_0B0B_0000_0000: "TDX_GPA_RANGE_NOT_BLOCKED",
    0xC000_0B0C_0000_0000: "TDX_GPA_RANGE_ALREADY_BLOCKED",
    0xC000_0B08_0000_0000: "TDX_TLB_TRACKING_NOT_DONE",
    0x8000_0201_0000_0000: "TDX_PREVIOUS_TLB_EPOCH_BUSY",
    0xC000_0608_0000_0000: "TDX_OP_STATE_INCORRECT",
    0x8000_0824_0000_0000: "TDX_FLUSHVP_NOT_DONE",
  ]

  /// `TDX_OPERAND_BUSY | TDR`, `TDX_TLB_TRACKING_NOT_DONE`, or `0x...` for a status it does not
  /// know.
  public static func describe(_ value: UInt64) -> String {
    let status = value & statusMask
    if let name = statuses[status] {
      let detail = value & ~statusMask
      if detail == 0 { return name }
      if let operand = operands[detail & 0xFF], detail <= 0xFF { return "\(name) | \(operand)" }
      return "\(name) | 0x\(String(detail, radix: 16))"
    }
    return "0x" + String(value, radix: 16)
  }
}
