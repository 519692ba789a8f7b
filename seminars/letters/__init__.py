"""Letters for people who take part by post: the print queue in the back office and each
letter as a tagged PDF (DIN 5008 form B, with a QR code to the person's own page).

A letter is an outbox message on the channel "letter" (``registrations/delivery.py`` writes
it in the transaction of the change that causes it). It waits here until staff print it, put
it in the post and mark it done; then, like a sent mail, it keeps no address and no text.
"""
