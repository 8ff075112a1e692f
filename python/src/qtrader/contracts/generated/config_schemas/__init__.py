# Generated: bundled copy of contracts/config. DO NOT EDIT.
