"""Services: the only code that writes. They take plain values, raise SeminarError (naming the
form field concerned) and flush; the request or command around them commits, once."""
