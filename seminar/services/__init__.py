"""Services: the only code that writes. They take plain values, raise SeminarError
subclasses and own their transaction."""
