# sources and tests of this module (owned by its module)
