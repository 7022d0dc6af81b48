# The apply of testdata/bank.jsonl as a jq program: the state is ., the
# event is $event. Use it with: replaytui --reduce jq:@testdata/bank.jq
.owner = ($event.payload.owner // .owner)
| .balance = (.balance // 0) + (
    if $event.type == "deposit" or $event.type == "transfer_in" then $event.payload.amount
    elif $event.type == "withdrawal" or $event.type == "transfer_out" then -$event.payload.amount
    else 0 end)
| .status = (if $event.type == "closed" then "closed" else "open" end)
| .last_tx = $event.payload.tx
