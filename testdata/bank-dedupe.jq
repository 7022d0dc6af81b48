# testdata/bank.jq made idempotent: an event that repeats the transaction
# the account applied last (a client's retry) changes nothing. Compare the
# two with: replaytui -r jq:@testdata/bank.jq diverge testdata/bank.jsonl --against jq:@testdata/bank-dedupe.jq
if $event.payload.tx != null and $event.payload.tx == .last_tx then . else
  .owner = ($event.payload.owner // .owner)
  | .balance = (.balance // 0) + (
      if $event.type == "deposit" or $event.type == "transfer_in" then $event.payload.amount
      elif $event.type == "withdrawal" or $event.type == "transfer_out" then -$event.payload.amount
      else 0 end)
  | .status = (if $event.type == "closed" then "closed" else "open" end)
  | .last_tx = $event.payload.tx
end
