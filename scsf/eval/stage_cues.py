"""Lexical cues of conversation stages: words a turn of that stage tends to use, beyond the pack's own description.

Keyed by stage id, so one entry serves every pack that has the stage (`saludo`, `objecion`, `cierre`...). A pack
stage without an entry is labelled from its id, its description and the tools called in it. Cues are plain Spanish
words; the labeller folds accents and compares 5-letter stems, so inflections need not be listed.
"""

from __future__ import annotations

STAGE_CUES: dict[str, str] = {
    # stages every pack shares
    "saludo": "hola buenos buenas dias tardes noches bienvenido bienvenida saludos gusto atenderle presento encantado",
    "identificacion_necesidad": "busco buscando necesito necesita interesa interesado quiero motivo ocupo gustaria",
    "propuesta": "propongo recomiendo ofrezco sugiero opcion plan incluye conviene ideal",
    "objecion": "caro costoso preocupa preocupacion duda dudas seguro convence demasiado miedo dificil alcanza pero",
    "manejo_objecion": "entiendo comprendo alternativa tranquilo ventaja considere ajustar opcion preocupacion",
    "seguimiento": "seguimiento contacto llamare escribire enviare proximo proxima recordatorio confirmo revision",
    "cierre": "gracias adios luego placer excelente atento quedo vemos despedida cuidese",
    "abandono": "pensare pensarlo despues aviso momento ocupado luego veo decidir todavia",
    "recuperacion": "retomar retomando retomo nuevamente volver seguimos sigue interesado pendiente escribo disponible",
    "escalacion_humano": "gerente supervisor transfiero canalizo comunico especialista area turno",
    "requisitos_documentacion": "documentos identificacion comprobante domicilio ingresos requisitos copia estado cuenta",
    # automotive.sales
    "consulta_inventario": "disponible disponibles existencia color colores version versiones inventario stock",
    "calculo_financiamiento": "enganche mensualidad mensualidades plazo meses tasa pagos financiamiento credito",
    "negociacion": "descuento bono rebaja mejorar precio negociar condiciones",
    "valuacion_auto_a_cuenta": "valuacion valor actual kilometraje cuenta usado avaluo",
    "agenda_cita": "cita agendar agendo fecha hora visita lunes martes miercoles jueves viernes sabado",
    "comparativa_opciones": "comparar comparacion diferencia versus frente mientras",
    "diagnostico": "sintoma falla ruido causa revisar revision",
    "revision_cobertura": "cubre garantia poliza cobertura deducible",
    "reconocimiento_queja": "lamento molestia disculpe disculpa queja inconveniente",
    # education.tutoring
    "diagnostico_conocimientos": "sabes recuerdas conoces nivel cuanto",
    "explicacion_concepto": "concepto significa define decir idea",
    "ejemplo_resuelto": "ejemplo paso primero luego resultado resolvemos",
    "practica_guiada": "intenta pista prueba resuelve ahora",
    "evaluacion_adaptativa": "pregunta reactivo ejercicio siguiente dificultad",
    "retroalimentacion": "correcto correcta error acertaste incorrecto",
    "refuerzo_motivacional": "excelente avance esfuerzo orgullo felicidades",
    # finance.advisory
    "perfilamiento_riesgo": "riesgo tolerancia horizonte experiencia perfil conservador",
    "analisis_capacidad_pago": "ingresos deudas gastos capacidad pago",
    "verificacion_kyc": "actividad origen recursos destino ocupacion",
    "simulacion_escenarios": "escenario simulacion rendimiento tasa pagos",
    "divulgacion_riesgos": "riesgos comisiones garantizados advertencia",
    "escalacion_cumplimiento": "cumplimiento comite turno area",
    # industrial.support
    "verificacion_seguridad": "bloqueo etiquetado seguridad proteccion energia",
    "recopilacion_sintomas": "ruido olor alarma codigo cambio",
    "lectura_sensores": "vibracion temperatura corriente presion lectura sensor",
    "procedimiento_reparacion": "paso torque ajuste apriete cambiar",
    "verificacion_funcionamiento": "arranque prueba lecturas referencia funciona",
    "escalacion_especialista": "fabricante especialista campo canalizo",
    # legal.advisory
    "recopilacion_hechos": "fecha cuando paso hechos partes",
    "revision_documental": "contrato escritura acta notificacion documento",
    "analisis_normativo": "ley articulo codigo norma criterio",
    "evaluacion_riesgo": "riesgo probabilidad exito contingencia",
    "estimacion_honorarios": "honorarios costo cobro alcance",
    # medical.consultation
    "interrogatorio_sintomas": "desde cuando dolor intensidad fiebre empezo",
    "revision_antecedentes": "alergias medicamentos antecedentes embarazo enfermedades",
    "clasificacion_triaje": "urgencia inmediata pronta programada",
    "diagnostico_diferencial": "causa probable posible descartar",
    "solicitud_estudios": "estudios laboratorio analisis radiografia",
    "indicaciones_alarma": "alarma urgencias acuda signos",
    "escalacion_urgencias": "urgencias inmediato presencial acuda",
}
