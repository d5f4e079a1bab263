// roost-demo: in progress.
